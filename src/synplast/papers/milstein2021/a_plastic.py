"""Model A ``plastic`` stage: the induction passes for every initial weight and input, with the
integrator of ``model.A.source`` (``kernel_a``), and dW/dt of one pass."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.kernels.guard import raise_if_diverged
from synplast.stagefile import var_attrs

from .model_a import q_functions, variant_names

VARIABLES = ("W0", "dW", "dWdt")


def _check(status, chain, variables, name: str, W0, time_ms, per_pass: bool) -> None:
    """Raise :class:`synplast.kernels.guard.SimulationDiverged` for a kernel's status, naming
    the variant, the initial weight and input of the chain, the pass and the sample."""
    row, i = int(chain[0]), int(chain[1])
    n_t = time_ms.size

    def where(step: int) -> str:
        """The chain, pass (and sample, with its time) of a step."""
        chain_text = f"variant {name}, initial weight {W0[row]:g}, input {i}"
        if per_pass:
            return f"{chain_text}, pass {step}"
        pass_, k = divmod(step, n_t)
        return f"{chain_text}, pass {pass_}, sample {k}, t = {time_ms[k]:g} ms"

    raise_if_diverged(status, variables, where)


def run_plastic(inputs: xr.Dataset, params: dict) -> xr.Dataset:
    """The induction passes for every initial weight and input, and dW/dt of one pass; a
    non-finite weight raises :class:`synplast.kernels.guard.SimulationDiverged`."""
    from . import kernel_a  # Numba: imported only by the jobs that run it

    model, protocol = params["model"]["A"], params["protocol"]["A"]
    dt = model["dt_s"]
    W0s = np.linspace(protocol["W0_min"], protocol["W0_max"], protocol["n_W0"])
    dW, dWdt = [], []
    time_ms = inputs["time_ms"].values
    for j, name in enumerate(variant_names(model)):
        variant = model["variants"][name]
        q_pot, q_dep = q_functions(variant)
        X = inputs["ET_IS"].values[j]
        qp, qd = np.ascontiguousarray(q_pot(X)), np.ascontiguousarray(q_dep(X))
        args = (variant["learning_rate_per_s"], variant["dep_ratio"], variant["W_max"], dt)
        if model["source"] == "ref_script":
            final, status, chain = kernel_a.euler_passes(qp, qd, W0s, *args, protocol["n_passes"])
            _check(status, chain, kernel_a.VARIABLES, name, W0s, time_ms, per_pass=False)
            rates, status, chain = kernel_a.euler_rates(qp, qd, protocol["dWdt_W0"], *args)
            W_rate = np.array([protocol["dWdt_W0"]])  # the one initial weight of the rates
            _check(status, chain, kernel_a.VARIABLES, name, W_rate, time_ms, per_pass=False)
        else:
            final, status, chain = kernel_a.trapezoid_passes_guarded(
                qp, qd, W0s, *args, protocol["n_passes"]
            )
            _check(status, chain, kernel_a.VARIABLES, name, W0s, time_ms, per_pass=True)
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
