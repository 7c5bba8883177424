"""Model A ``plastic`` stage: the induction passes for every initial weight and input, with the
integrator of ``model.A.source`` (``kernel_a``), and dW/dt of one pass."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from .model_a import q_functions, variant_names

VARIABLES = ("W0", "dW", "dWdt")


def run_plastic(inputs: xr.Dataset, params: dict) -> xr.Dataset:
    """The induction passes for every initial weight and input, and dW/dt of one pass."""
    from . import kernel_a  # Numba: imported only by the jobs that run it

    model, protocol = params["model"]["A"], params["protocol"]["A"]
    dt = model["dt_s"]
    W0s = np.linspace(protocol["W0_min"], protocol["W0_max"], protocol["n_W0"])
    dW, dWdt = [], []
    for j, name in enumerate(variant_names(model)):
        variant = model["variants"][name]
        q_pot, q_dep = q_functions(variant)
        X = inputs["ET_IS"].values[j]
        qp, qd = np.ascontiguousarray(q_pot(X)), np.ascontiguousarray(q_dep(X))
        args = (variant["learning_rate_per_s"], variant["dep_ratio"], variant["W_max"], dt)
        if model["source"] == "ref_script":
            final = kernel_a.euler_passes(qp, qd, W0s, *args, protocol["n_passes"])
            rates = kernel_a.euler_rates(qp, qd, protocol["dWdt_W0"], *args)
        else:
            final = kernel_a.trapezoid_passes(qp, qd, W0s, *args, protocol["n_passes"])
            w0 = protocol["dWdt_W0"] / variant["W_max"]
            lr, dep, w_max = args[0], args[1], args[2]
            rates = lr * w_max * ((1.0 - w0) * qp - dep * w0 * qd)
        dW.append(final - W0s[:, None])
        dWdt.append(rates)
    return xr.Dataset(
        {
            "W0": ("W0_index", W0s, var_attrs("1", "initial weight (uniform over inputs)")),
            "dW": (
                ("variant", "W0_index", "input"),
                np.asarray(dW),
                var_attrs("1", "weight change after the induction passes"),
            ),
            "dWdt": (
                ("variant", "input", "time_ms"),
                np.asarray(dWdt),
                var_attrs(
                    "1/s", f"dW/dt during one pass from W = {protocol['dWdt_W0']} (before clip)"
                ),
            ),
        },
        coords={
            **{k: inputs[k] for k in ("variant", "input", "time_ms")},
            "W0_index": ("W0_index", np.arange(W0s.size, dtype=np.int32), var_attrs("1", "row")),
        },
    )
