"""Model A ``inputs`` stage: spike and plateau timing grids, and ET, IS and ET*IS of every
variant (``model_a`` describes the model)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from .model_a import coords, plateau_vector, signals, spike_steps, time_grid, variant_names

VARIABLES = (
    "ET",
    "IS",
    "ET_IS",
    "plateau",
    "spike_step",
    "input_time_ms",
    "trace_ET",
    "trace_IS",
)


def make_inputs(params: dict) -> xr.Dataset:
    """Spike and plateau timing grids, and ET, IS and ET*IS of every variant."""
    model = params["model"]["A"]
    t = time_grid(model)
    locs, steps = spike_steps(model, t)
    names = variant_names(model)
    ETs, ISs, norms = [], [], []
    for name in names:
        variant = model["variants"][name]
        ET, IS, norm = signals(model, variant["tau_ET_s"], variant["tau_IS_s"])
        ETs.append(ET)
        ISs.append(IS)
        norms.append(norm)
    ET, IS = np.asarray(ETs), np.asarray(ISs)
    trace_ET, trace_IS, _ = signals(model, model["trace_tau_ET_s"], model["trace_tau_IS_s"])
    trace_input = model["trace_input"]
    ds = xr.Dataset(
        {
            "input_time_ms": (
                "input",
                locs * 1e3,
                var_attrs("ms", "spike time of the input relative to the plateau onset"),
            ),
            "spike_step": ("input", steps, var_attrs("1", "sample index of the input's spike")),
            "plateau": ("time_ms", plateau_vector(model, t), var_attrs("1", "plateau (0 or 1)")),
            "ET": (
                ("variant", "input", "time_ms"),
                ET,
                var_attrs("1", "eligibility trace of each input"),
            ),
            "IS": (("variant", "time_ms"), IS, var_attrs("1", "instructive signal (max 1)")),
            "ET_IS": (
                ("variant", "input", "time_ms"),
                ET * IS[:, None, :],
                var_attrs("1", "signal overlap ET*IS"),
            ),
            "ET_norm": ("variant", np.asarray(norms), var_attrs("1", "ET normaliser")),
            "trace_ET": (
                "time_ms",
                trace_ET[trace_input],
                var_attrs("1", f"ET of input {trace_input} with the trace time constants"),
            ),
            "trace_IS": ("time_ms", trace_IS, var_attrs("1", "IS with the trace time constants")),
        },
        coords=coords(model, t),
    )
    ds.attrs["dt_ms"] = float(model["dt_s"] * 1e3)
    ds.attrs["model_source"] = model["source"]
    ds.attrs["trace_input"] = int(trace_input)
    return ds
