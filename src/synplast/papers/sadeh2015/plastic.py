"""Plastic stage of sadeh2015: the learning blocks, then the optional protocols.

As the reference's ``network_run.py``: 40 plastic learning blocks from W0; then, when enabled,
the spontaneous protocol (``spont_act``, 10 blocks of untuned input from Wf) and the cardinal
protocol (``card_act``, 20 blocks from **W0**).  Writes W after every block (float32, where the
reference pickles float64), the exact final weights (float64, which the test stage uses) and
every spike as a ragged list (int16 neuron, int16 step within the block, block).  Spike times
are stored as step indices (``*_spike_step``, units 1) with the step ``dt_ms`` next to them:
time within the block = step x ``dt_ms``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from .params import params_from_config
from .protocol import PlasticRun, run_cardinal, run_learning, run_spontaneous

VARIABLES = ("W_blocks", "W_final", "spike_neuron", "spike_step", "spike_block", "dt_ms")

# protocol prefix -> (block dimension, long name)
_PREFIXES = {
    "": ("block", "learning"),
    "spont_": ("spont_block", "spontaneous"),
    "card_": ("card_block", "cardinal"),
}


def _run_variables(run: PlasticRun, prefix: str) -> tuple[dict, dict]:
    block_dim, name = _PREFIXES[prefix]
    spike_dim = f"{prefix}spike"
    data = {
        f"{prefix}W_blocks" if prefix else "W_blocks": (
            (block_dim, "pre", "post"),
            run.W_blocks,
            var_attrs("mV", f"W[pre, post] after each {name} block (float32)"),
        ),
        f"{prefix}W_final" if prefix else "W_final": (
            ("pre", "post"),
            run.W_final,
            var_attrs("mV", f"W after the last {name} block"),
        ),
        f"{prefix}spike_neuron": (
            spike_dim,
            run.spikes.neuron,
            var_attrs("1", f"neuron of each spike ({name} blocks)", instance_dimension="neuron"),
        ),
        f"{prefix}spike_step": (
            spike_dim,
            run.spikes.step,
            var_attrs("1", f"step of each spike within its {name} block (time = step x dt_ms)"),
        ),
        f"{prefix}spike_block": (
            spike_dim,
            run.spikes.block,
            var_attrs("1", f"{name} block of each spike"),
        ),
    }
    coords = {
        block_dim: (
            block_dim,
            np.arange(run.W_blocks.shape[0], dtype=np.int32),
            var_attrs("1", f"{name} block"),
        )
    }
    return data, coords


def run_plastic(inputs: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """Run the plastic protocols of one seed on the ``inputs`` Dataset."""
    p = params_from_config(params)
    W0 = inputs["W0"].values
    po = inputs["po_rad"].values
    learning = run_learning(p, W0, po, seed, stimuli=inputs["stimulus_rad"].values)
    data, coords = _run_variables(learning, "")
    if p.spont_act:
        more = _run_variables(run_spontaneous(p, W0, learning.W_final, seed), "spont_")
        data.update(more[0])
        coords.update(more[1])
    if p.card_act:
        more = _run_variables(run_cardinal(p, W0, po, seed), "card_")
        data.update(more[0])
        coords.update(more[1])
    data["dt_ms"] = ((), p.dt_ms, var_attrs("ms", "time step (spike time = step x dt_ms)"))
    coords["pre"] = inputs["pre"]
    coords["post"] = inputs["post"]
    return xr.Dataset(data, coords=coords)
