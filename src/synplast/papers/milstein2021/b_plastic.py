"""Model B ``plastic`` stage: the per-lap weight updates of one induction (``rule.py``), from
the chosen starting weights (``model_b`` describes the model)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.kernels.guard import raise_if_diverged
from synplast.stagefile import var_attrs

from .fitted_rule import rule_constants

VARIABLES = ("delta_W", "w_norm", "ramp")


def run_plastic(inputs: xr.Dataset, start: xr.Dataset | None, params: dict) -> xr.Dataset:
    """The per-lap weight updates of one induction, from the chosen starting weights; a
    non-finite weight raises :class:`synplast.kernels.guard.SimulationDiverged` naming the
    induction lap."""
    from . import rule  # Numba: imported only by the jobs that run it

    model, protocol = params["model"]["B"], params["protocol"]["B"]
    peak_weight = 1.0 + model["peak_delta_weight"]
    if start is None:
        initial = np.zeros(inputs.sizes["input"])
        start_model = np.zeros_like(initial)
    else:
        start_model = start["delta_W"].values[-1]
        if protocol["induction2_init"] == "model_induction1":
            initial = start_model.copy()
        else:
            initial = inputs["start_delta_W"].values.copy()
    w = (1.0 + initial) / peak_weight
    pot, dep = rule_constants(model)
    ET, IS = inputs["ET"].values, inputs["IS"].values
    dx = (inputs["down_time_ms"].values[1] - inputs["down_time_ms"].values[0]) / 1000.0
    states, P_laps, Q_laps = [w * peak_weight - 1.0], [], []
    P, Q = np.empty(ET.shape[0]), np.empty(ET.shape[0])
    windows = zip(inputs["window_start"].values, inputs["window_stop"].values, strict=True)
    for lap, (lo, hi) in enumerate(windows, start=1):
        rule.window_integrals(ET, IS, int(lo), int(hi), 0, pot, dep, dx, P, Q)
        bad, value = rule.update_weights(w, P, Q, model["k_pot_per_s"], model["k_dep_per_s"])
        raise_if_diverged(
            (lap if bad >= 0 else -1, 0, value),
            rule.VARIABLES,
            f"induction lap {lap}, input {bad}",
        )
        states.append(w * peak_weight - 1.0)
        P_laps.append(P.copy())
        Q_laps.append(Q.copy())
    delta_W = np.asarray(states)
    rsf = float(inputs["rsf"])
    ramps = rsf * (delta_W @ inputs["rate_maps"].values)
    n_states = delta_W.shape[0]
    return xr.Dataset(
        {
            "delta_W": (
                ("state", "input"),
                delta_W,
                var_attrs("1", "weight change W - 1 before and after each induction lap"),
            ),
            "w_norm": (
                ("state", "input"),
                (1.0 + delta_W) / peak_weight,
                var_attrs("1", "normalised weight W / (1 + peak_delta_weight)"),
            ),
            "ramp": (("state", "position_cm"), ramps, var_attrs("mV", "ramp")),
            "pot_integral": (
                ("induction_lap", "input"),
                np.asarray(P_laps),
                var_attrs("s", "integral of q+(ET*IS) over the lap's window"),
            ),
            "dep_integral": (
                ("induction_lap", "input"),
                np.asarray(Q_laps),
                var_attrs("s", "integral of q-(ET*IS) over the lap's window"),
            ),
            "start_model_delta_W": (
                "input",
                start_model,
                var_attrs("1", "weights the starting scenario's model run left (0: none)"),
            ),
        },
        coords={
            "input": inputs["input"],
            "position_cm": inputs["position_cm"],
            "induction_lap": inputs["induction_lap"],
            "state": (
                "state",
                np.arange(n_states, dtype=np.int32),
                var_attrs("1", "0: before induction, k: after induction lap k"),
            ),
        },
    )
