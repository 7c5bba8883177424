"""Plastic phase of sweeney2017 (pipeline stage ``plastic``): the whole learning run.

The kernel runs in chunks of ``CHUNK_STEPS`` steps (as the reference regenerates its input
array every 100,000 steps); without noise the result does not depend on the chunking.  The
optional input noise of each chunk is drawn from its own stream (``noise/<chunk>``).  Records
W, theta and y every ``sample_every_steps`` steps, and the final state.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.kernels.guard import raise_if_diverged
from synplast.rng import stream
from synplast.stagefile import var_attrs

from . import kernel
from .params import params_from_config

CHUNK_STEPS = 100_000

VARIABLES = ("W_final", "theta_final", "y_final", "W_snapshot", "theta_snapshot", "y_snapshot")


def run_plastic(inputs: xr.Dataset, params: dict, seed: int) -> xr.Dataset:
    """Learn for ``n_steps`` steps from ``W0``; returns the final state and the snapshots."""
    p = params_from_config(params)
    x, y = np.zeros(p.n_inputs), np.zeros(p.n_outputs)
    W = np.array(inputs["W0"].values, dtype=np.float64, order="C")
    theta = np.full(p.n_outputs, p.theta0)
    ou = np.zeros(p.n_inputs)
    D_transposed = np.ascontiguousarray(inputs["diffusion_kernel"].values.T)
    colsum = inputs["kernel_colsum"].values.astype(np.float64)
    epochs = inputs["epoch_input"].values.astype(np.int64)
    consts = np.array(
        [
            p.dt_tau, p.r0, p.r_max, p.H_min, p.H_max, p.alpha_per_step, p.y0,
            p.eta_theta_per_step, p.W_max, p.weight_decay_lambda, p.input_ou_sigma,
            p.input_ou_tau,
        ],
        dtype=np.float64,
    )  # fmt: skip
    W_snap = np.zeros((p.n_snapshots, p.n_outputs, p.n_inputs), dtype=np.float32)
    theta_snap = np.zeros((p.n_snapshots, p.n_outputs), dtype=np.float32)
    y_snap = np.zeros((p.n_snapshots, p.n_outputs), dtype=np.float32)
    no_noise = np.zeros((0, p.n_inputs))
    for chunk, first in enumerate(range(0, p.n_steps, CHUNK_STEPS)):
        n = min(CHUNK_STEPS, p.n_steps - first)
        noise = no_noise
        if p.input_ou_sigma > 0:
            noise = stream(seed, "noise", str(chunk)).standard_normal((n, p.n_inputs))
        status = kernel.advance(
            x, y, W, theta, ou, D_transposed, colsum, epochs, p.epoch_steps, noise, first, n,
            consts, p.averaging_code, p.legacy_double_update, p.spatial_theta,
            p.sample_every_steps, W_snap, theta_snap, y_snap,
        )  # fmt: skip
        raise_if_diverged(status, kernel.VARIABLES, lambda step: f"t = {step * p.dt_tau:g} tau")
    snapshot_step = np.arange(p.n_snapshots, dtype=np.int64) * p.sample_every_steps
    return xr.Dataset(
        {
            "W_final": (("output", "input"), W, var_attrs("1", "weight W[output, input]")),
            "theta_final": ("output", theta, var_attrs("1", "sliding BCM threshold")),
            "y_final": ("output", y, var_attrs("1", "output rate")),
            "x_final": ("input", x, var_attrs("1", "input rate")),
            "W_snapshot": (
                ("snapshot", "output", "input"),
                W_snap,
                var_attrs("1", "weight W[output, input] after the snapshot's step"),
            ),
            "theta_snapshot": (
                ("snapshot", "output"),
                theta_snap,
                var_attrs("1", "sliding BCM threshold after the snapshot's step"),
            ),
            "y_snapshot": (
                ("snapshot", "output"),
                y_snap,
                var_attrs("1", "output rate after the snapshot's step"),
            ),
            "W_max": ((), p.W_max, var_attrs("1", "upper weight bound")),
        },
        coords={
            "output": inputs["output"],
            "input": inputs["input"],
            "snapshot": (
                "snapshot",
                np.arange(p.n_snapshots, dtype=np.int32),
                var_attrs("1", "snapshot index"),
            ),
            "snapshot_step": (
                "snapshot",
                snapshot_step,
                var_attrs("1", "Euler step index of the snapshot"),
            ),
            "snapshot_time_tau": (
                "snapshot",
                snapshot_step * p.dt_tau,
                var_attrs("1", "time of the snapshot in units of the rate time constant tau"),
            ),
        },
    )
