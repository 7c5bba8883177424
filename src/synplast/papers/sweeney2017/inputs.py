"""Input generation of sweeney2017 (pipeline stage ``inputs``): everything random the model
consumes, drawn from named streams of the run's seed.

- ``positions``: the outputs' positions on the ring, ``U(0, 1)`` sorted, so output index is
  spatial order (the reference embeds the ring on the diagonal of the periodic unit square,
  which makes every distance ``sqrt(2)`` times the ring distance: flag
  ``legacy_sqrt2_distance``);
- the diffusion kernel ``D_ij = N(d_ij; 0, sigma_d) / max N``, i.e.
  ``exp(-d_ij^2 / (2 sigma_d^2))``, plus ``self_weight_extra`` on the diagonal (the notebook
  adds the identity, "making the individual firing rate contribution larger"); with the flag
  ``shuffle_kernel_positions`` (the negative control) the kernel is built on a random
  permutation of the positions (stream ``shuffle``), so it no longer matches the outputs'
  spatial order;
- ``w0``: initial weights ``U(0, W0_max_fraction * W_max)``;
- ``epochs``: the stimulated input of each epoch of ``epoch_steps`` steps, uniform over the
  inputs (the reference switches the stimulus every 500 steps, not every 1000 as its code
  seems to intend: an operator-precedence slip, kept as the default of ``epoch_steps``).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.rng import stream
from synplast.stagefile import var_attrs

from .params import params_from_config

VARIABLES = (
    "position",
    "kernel_position",
    "diffusion_kernel",
    "kernel_colsum",
    "W0",
    "epoch_input",
)


def ring_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Periodic distance on the unit ring, ``min(|a - b|, |a + 1 - b|, |b + 1 - a|)``."""
    return np.minimum(np.minimum(np.abs(a - b), np.abs(a + 1.0 - b)), np.abs(b + 1.0 - a))


def diffusion_kernel(positions, sigma_d, self_weight_extra, legacy_sqrt2_distance):
    """The normalised Gaussian kernel between every pair of positions, with the extra self
    weight on the diagonal."""
    delta = ring_distance(positions[:, None], positions[None, :])
    distance = np.sqrt(delta**2 + delta**2) if legacy_sqrt2_distance else delta
    z = distance / sigma_d
    density = np.exp(-0.5 * z * z) / (np.sqrt(2.0 * np.pi) * sigma_d)
    return density / density.max() + self_weight_extra * np.eye(positions.size)


def make_inputs(params: dict, seed: int) -> xr.Dataset:
    """The ``inputs`` stage: positions, diffusion kernel, W(0) and the stimulus epochs."""
    p = params_from_config(params)
    positions = np.sort(stream(seed, "positions").random(p.n_outputs))
    kernel_positions = positions
    if p.shuffle_kernel_positions:
        kernel_positions = stream(seed, "shuffle").permutation(positions)
    D = diffusion_kernel(kernel_positions, p.sigma_d, p.self_weight_extra, p.legacy_sqrt2_distance)
    W0 = stream(seed, "w0").random((p.n_outputs, p.n_inputs)) * p.W_max * p.W0_max_fraction
    epochs = stream(seed, "epochs").integers(0, p.n_inputs, size=p.n_epochs).astype(np.int8)
    output = np.arange(p.n_outputs, dtype=np.int32)
    return xr.Dataset(
        {
            "position": ("output", positions, var_attrs("1", "position on the unit ring")),
            "kernel_position": (
                "output",
                kernel_positions,
                var_attrs("1", "position the diffusion kernel assigns to the output"),
            ),
            "diffusion_kernel": (
                ("output", "neighbour"),
                D,
                var_attrs("1", "diffusion kernel D[output, neighbour] (diagonal incl. extra)"),
            ),
            "kernel_colsum": (
                "output",
                D.sum(axis=0),
                var_attrs("1", "column sums of D (normalisation of the spatial average)"),
            ),
            "W0": (
                ("output", "input"),
                W0,
                var_attrs("1", "initial weight W[output, input]"),
            ),
            "epoch_input": (
                "epoch",
                epochs,
                var_attrs("1", f"input stimulated in each epoch of {p.epoch_steps} steps"),
            ),
        },
        coords={
            "output": ("output", output, var_attrs("1", "output unit (spatial order)")),
            "neighbour": ("neighbour", output, var_attrs("1", "output unit")),
            "input": ("input", np.arange(p.n_inputs, dtype=np.int32), var_attrs("1", "input")),
            "epoch": ("epoch", np.arange(p.n_epochs, dtype=np.int32), var_attrs("1", "epoch")),
        },
    )
