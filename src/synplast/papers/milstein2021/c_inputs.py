"""Model C ``inputs`` stage (deterministic): rate maps, the whole run's eligibility traces, lap
phases and the constants of the readout (``model_c`` describes the model)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from synplast.stagefile import var_attrs

from .fitted_rule import filters
from .model_c import PHASES, lap_phases, rate_of_ramp
from .track import Track, coarse_rates, convolve_rows, synthetic_ramp

VARIABLES = ("ET", "rate_maps", "f_IS", "IS_peak", "lap_phase", "reference_mean_rate")


def make_inputs(params: dict) -> xr.Dataset:
    """Rate maps, the whole run's eligibility traces, lap phases and readout constants."""
    track = Track(params["model"]["track"])
    model, protocol = params["model"]["C"], params["protocol"]["C"]
    phases = lap_phases(protocol)
    rates = coarse_rates(track.lap_rates(), phases.size, track.down_dt_ms)
    f_ET, f_IS = filters(model, track)
    ET = convolve_rows(rates / track.peak_rate, f_ET)
    ET /= np.max(ET)
    gate = np.ones(int(round(model["plateau_ms"] / track.down_dt_ms)))
    peak = float(np.max(np.convolve(gate, f_IS)))
    R = model["reference_ramp"]
    ref = synthetic_ramp(
        track, R["loc_cm"], R["peak_mV"], R["asymmetry"], R["shift_cm"], R["width_cm"]
    )
    mean_rate = float(np.mean(rate_of_ramp(ref, model)))
    reward_lo = track.first_sample_at(protocol["reward_loc_cm"])
    step = int(round(track.down_dt_ms))
    lap = track.lap_ms
    return xr.Dataset(
        {
            "rate_maps": (
                ("input", "position_cm"),
                track.rate_maps,
                var_attrs("Hz", "place-tuned rate map of each input"),
            ),
            "ET": (("input", "down_time_ms"), ET, var_attrs("1", "eligibility trace")),
            "f_IS": ("filter_tap", f_IS, var_attrs("1", "instructive-signal filter")),
            "IS_peak": ((), peak, var_attrs("1", "peak of conv(gate, f_IS) of one plateau")),
            "reference_ramp": ("position_cm", ref, var_attrs("mV", "reference field R")),
            "reference_mean_rate": (
                (),
                mean_rate,
                var_attrs("Hz", "mean of f_I(R) over the lap's positions"),
            ),
            "lap_phase": (
                "lap",
                phases,
                var_attrs(
                    "1",
                    "phase of the lap",
                    flag_values=np.arange(len(PHASES), dtype=np.int8),
                    flag_meanings=" ".join(PHASES),
                ),
            ),
            "reward_window_start": (
                (),
                reward_lo,
                var_attrs("1", "first 1-ms sample of a lap in the reward window"),
            ),
        },
        coords={
            "input": ("input", np.arange(track.n_inputs, dtype=np.int32), var_attrs("1", "input")),
            "position_cm": ("position_cm", track.binned_x, var_attrs("cm", "bin centre")),
            "down_time_ms": (
                "down_time_ms",
                -float(lap) + np.arange(ET.shape[1], dtype=float) * step,
                var_attrs("ms", "time on the coarse grid (pad lap at negative times)"),
            ),
            "lap": ("lap", np.arange(phases.size, dtype=np.int32), var_attrs("1", "lap")),
        },
    )
