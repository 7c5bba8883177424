"""Model B ``inputs`` stage: the signals of an induction run, the target ramp (least-squares
fitted) and the starting weights (``model_b`` describes the model)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from .fitted_rule import filters
from .model_b import coords
from .track import Track, coarse_rates, convolve_rows, lsa_fit, synthetic_ramp

VARIABLES = (
    "ET",
    "IS",
    "rate_maps",
    "target_ramp",
    "target_delta_W",
    "start_delta_W",
    "window_start",
    "window_stop",
)


def make_inputs(calibration: xr.Dataset, start: xr.Dataset | None, params: dict) -> xr.Dataset:
    """Signals of the induction run, the target ramp and the starting weights."""
    track = Track(params["model"]["track"])
    model, protocol = params["model"]["B"], params["protocol"]["B"]
    rsf = float(calibration["rsf"])
    n_laps = protocol["n_induction_laps"] + 2
    lap = track.lap_ms
    complete_x = np.concatenate([track.interp_x + (j - 1) * track.L for j in range(n_laps)])
    onsets = np.array(
        [
            int(np.where(complete_x >= protocol["induction_loc_cm"] + k * track.L)[0][0])
            for k in range(protocol["n_induction_laps"])
        ]
    )
    gate = np.zeros(n_laps * lap)
    for onset in onsets:
        gate[onset : onset + int(protocol["plateau_ms"])] = 1.0
    rates = coarse_rates(track.lap_rates(), n_laps, track.down_dt_ms)
    step = int(round(track.down_dt_ms))
    down = np.arange(0, rates.shape[1]) * step
    down_gate = gate[np.minimum(down, gate.shape[0] - 1)]
    f_ET, f_IS = filters(model, track)
    n = down.shape[0]
    IS = np.convolve(down_gate, f_IS)[:n]
    IS /= np.max(IS)
    ET = convolve_rows(rates / track.peak_rate, f_ET)
    ET /= np.max(ET)
    starts = np.searchsorted(down, onsets, side="left")
    stops = np.append(starts[1:], n - 1)
    if start is None:
        start_delta_W = np.zeros(track.n_inputs)
        start_ramp = np.zeros(track.n_bins)
    else:
        start_delta_W = start["target_delta_W"].values
        start_ramp = start["target_ramp"].values
    raw = start_ramp.copy()
    for c in protocol["target"]:
        raw += synthetic_ramp(
            track, c["loc_cm"], c["peak_mV"], c["asymmetry"], c["shift_cm"], c["width_cm"]
        )
    lsa = protocol["lsa"]
    target_delta_W, info = lsa_fit(
        raw, track.rate_maps, rsf, tuple(lsa["bounds"]), lsa["svd_beta"], lsa["max_iterations"]
    )
    t0 = -float(lap)
    ds = xr.Dataset(
        {
            "rate_maps": calibration["rate_maps"],
            "peak_loc_cm": calibration["peak_loc_cm"],
            "rsf": calibration["rsf"],
            "ET": (("input", "down_time_ms"), ET, var_attrs("1", "eligibility trace")),
            "IS": ("down_time_ms", IS, var_attrs("1", "instructive signal")),
            "gate": ("down_time_ms", down_gate, var_attrs("1", "plateau gate (0 or 1)")),
            "plateau_onset_ms": (
                "induction_lap",
                t0 + onsets.astype(float),
                var_attrs("ms", "plateau onset of each induction lap"),
            ),
            "window_start": (
                "induction_lap",
                starts.astype(np.int64),
                var_attrs("1", "first coarse sample of the lap's update window"),
            ),
            "window_stop": (
                "induction_lap",
                stops.astype(np.int64),
                var_attrs("1", "coarse sample after the lap's update window"),
            ),
            "start_delta_W": (
                "input",
                start_delta_W,
                var_attrs("1", "least-squares weights of the starting scenario's target"),
            ),
            "start_ramp": ("position_cm", start_ramp, var_attrs("mV", "starting target ramp")),
            "target_raw_ramp": (
                "position_cm",
                raw,
                var_attrs("mV", "target ramp: start plus synthetic ramps"),
            ),
            "target_delta_W": (
                "input",
                target_delta_W,
                var_attrs("1", "least-squares weights of the target ramp"),
            ),
            "target_ramp": (
                "position_cm",
                track.ramp(target_delta_W, rsf),
                var_attrs("mV", "target ramp (least-squares fit)"),
            ),
        },
        coords={
            **coords(track),
            "down_time_ms": (
                "down_time_ms",
                t0 + down.astype(float),
                var_attrs("ms", "time on the coarse grid (first lap at negative times)"),
            ),
            "induction_lap": (
                "induction_lap",
                np.arange(1, onsets.size + 1, dtype=np.int32),
                var_attrs("1", "induction lap"),
            ),
        },
    )
    ds.attrs["lsa_score"] = info["score"]
    ds.attrs["lsa_iterations"] = info["iterations"]
    ds.attrs["has_start"] = int(start is not None)
    return ds
